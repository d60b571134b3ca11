import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import './app/styles.css';
import { applyTheme, useThemeStore } from './app/theme.ts';

applyTheme(useThemeStore.getState().choice);

createRoot(document.getElementById('root')!).render(<App />);
