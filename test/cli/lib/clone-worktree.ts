/**
 * A fresh `git clone` of the repository into a temp folder, plus the working tree's uncommitted changes
 * (modified and untracked files that git does not ignore, and deletions), so the clone is what a fresh
 * clone will be once they are committed. In CI the tree is clean and the clone is exactly HEAD.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

function gitFiles(root: string, ...args: string[]): string[] {
  return execFileSync('git', ['ls-files', '-z', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter(Boolean);
}

/** Clones `root` into `dir` (which must not exist) and lays the uncommitted changes over it. */
export function cloneWorktree(root: string, dir: string): void {
  execFileSync('git', ['clone', '--quiet', root, dir], { stdio: 'inherit' });
  const deleted = new Set(gitFiles(root, '--deleted'));
  for (const file of [...gitFiles(root, '--modified'), ...gitFiles(root, '--others', '--exclude-standard')]) {
    if (deleted.has(file)) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(root, file), join(dir, file));
  }
  for (const file of deleted) rmSync(join(dir, file), { force: true });
}
