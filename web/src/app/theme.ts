/**
 * The colour theme: the system's (the default: styles.css picks with light-dark() and `color-scheme: light dark`), or
 * one the user chose, kept in localStorage and set as `data-theme` on <html>. UI state, so zustand.
 */
import { useSyncExternalStore } from 'react';
import { create } from 'zustand';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'accredex:theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return CHOICES.includes(v as ThemeChoice) ? (v as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

/** Sets <html data-theme> for a chosen theme, or removes it to follow the system. */
export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

/** The next choice of the header's toggle: system, then light, then dark, then system again. */
export const nextTheme = (choice: ThemeChoice): ThemeChoice => CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length];

export const useThemeStore = create<{ choice: ThemeChoice; choose(choice: ThemeChoice): void }>((set) => ({
  choice: stored(),
  choose(choice) {
    try {
      localStorage.setItem(KEY, choice);
    } catch {
      // Private browsing without storage: the choice lasts this page only.
    }
    applyTheme(choice);
    set({ choice });
  },
}));

const LIGHT = '(prefers-color-scheme: light)';
const subscribeSystem = (notify: () => void) => {
  const media = matchMedia(LIGHT);
  media.addEventListener('change', notify);
  return () => media.removeEventListener('change', notify);
};

/** The theme in effect: the choice, or the system's scheme while the choice is "system" (for canvas charts). */
export function useResolvedTheme(): 'light' | 'dark' {
  const choice = useThemeStore((s) => s.choice);
  const systemLight = useSyncExternalStore(subscribeSystem, () => matchMedia(LIGHT).matches);
  if (choice !== 'system') return choice;
  return systemLight ? 'light' : 'dark';
}
