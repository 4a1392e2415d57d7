import type { RunningTarget } from './targets';

export async function startPeer(): Promise<RunningTarget> {
  throw new Error('peer not wired yet');
}
