// Reading the V8 CPU profiles that `sitrep bench --cpu-prof DIR` writes: the frames with the most
// self time, so BENCHMARKS.md can say what limits a figure.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  /** `function file:line`, with paths shortened to the repository or the package. */
  frame: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  /** The phase folder the profile came from. */
  phase: string;
  totalMs: number;
  top: Frame[];
}

function shorten(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, '')
    .replace(/.*\/(src|commands|tests)\//, '$1/');
}

export function summarizeProfile(profile: CpuProfile, top = 15): { totalMs: number; top: Frame[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const key = `${frame.functionName || '(anonymous)'} ${shorten(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + delta);
  });
  const busy = [...self].filter(([key]) => !key.startsWith('(idle)'));
  const busyTotal = busy.reduce((sum, [, us]) => sum + us, 0);
  return {
    totalMs: busyTotal / 1000,
    top: busy
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, us]) => ({ frame, selfMs: us / 1000, share: busyTotal > 0 ? us / busyTotal : 0 })),
  };
}

/** For each phase folder under `dir`, the main thread's profile (the largest file) summarized. */
export async function summarizeProfiles(dir: string, top = 15): Promise<ProfileSummary[]> {
  const out: ProfileSummary[] = [];
  for (const phase of (await readdir(dir)).sort()) {
    const folder = path.join(dir, phase);
    if (!(await stat(folder)).isDirectory()) continue;
    const files = (await readdir(folder)).filter((f) => f.endsWith('.cpuprofile'));
    const sized = await Promise.all(
      files.map(async (f) => ({ file: path.join(folder, f), size: (await stat(path.join(folder, f))).size })),
    );
    const main = sized.sort((a, b) => b.size - a.size)[0];
    if (!main) continue;
    const profile = JSON.parse(await readFile(main.file, 'utf8')) as CpuProfile;
    out.push({ phase, ...summarizeProfile(profile, top) });
  }
  return out;
}

export function formatProfiles(summaries: readonly ProfileSummary[]): string {
  return summaries
    .map((s) =>
      [
        `Profile ${s.phase}: ${(s.totalMs / 1000).toFixed(1)} s busy`,
        ...s.top.map(
          (f) =>
            `  ${f.selfMs.toFixed(0).padStart(7)} ms ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.frame}`,
        ),
      ].join('\n'),
    )
    .join('\n\n');
}
