import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { lowerPriority } from './lifecycle.ts';

const niceOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
const autogroupNice = (pid: number) => Number(/nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8'))![1]);

describe('lowerPriority', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterEach(() => children.splice(0).forEach((c) => c.kill('SIGKILL')));

  it('lowers the thread priority of a child in this session', () => {
    const child = spawn('sleep', ['30']);
    children.push(child);
    lowerPriority(child, 10);
    expect(niceOf(child.pid!)).toBe(10);
  });

  it.runIf(existsSync('/proc/self/autogroup'))('lowers the autogroup of a detached child, where a thread nice alone counts for nothing', () => {
    const child = spawn('sleep', ['30'], { detached: true });
    children.push(child);
    expect(autogroupNice(child.pid!)).toBe(0);
    lowerPriority(child, 15);
    expect(niceOf(child.pid!)).toBe(15);
    expect(autogroupNice(child.pid!)).toBe(15);
  });
});
