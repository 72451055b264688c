import { SchedulerLike, Subscription } from 'rxjs';
import { Pacing } from './protocol';

/**
 * Spaces request frames (subscribe, release) as the broker asks: at least `spacingMs` apart and,
 * with a budget, at most `max` per `windowMs`. The first frame goes at once; the rest queue in
 * order, so a batch the codec built stays a batch and a reconnect's re-registration is paced
 * exactly like the first one. One pacer lives as long as one connection.
 *
 *   spacing 100:  enqueue a b c d ─►  a---------b---------c---------d
 *                                     0        100       200       300
 */
export class Pacer {
  private readonly queue: string[] = [];
  private lastAt = -Infinity;
  /** Send times inside the budget window, oldest first. */
  private readonly sentAt: number[] = [];
  private pending?: Subscription;
  /** Called once everything queued so far is on the wire (or the connection is gone). */
  private readonly whenEmpty: (() => void)[] = [];

  constructor(
    private readonly pacing: Pacing | undefined,
    private readonly scheduler: SchedulerLike,
    private readonly send: (frame: string) => void,
  ) {}

  /** Frames waiting for their turn. */
  get waiting(): number {
    return this.queue.length;
  }

  enqueue(frame: string): void {
    if (this.pacing === undefined) {
      this.send(frame);
      return;
    }
    this.queue.push(frame);
    if (this.pending === undefined) this.drain();
  }

  /** Runs `fn` once every frame queued now has been sent (at once if none waits). */
  afterSent(fn: () => void): void {
    if (this.queue.length === 0) fn();
    else this.whenEmpty.push(fn);
  }

  /** Forgets everything queued (the connection is gone). */
  stop(): void {
    this.pending?.unsubscribe();
    this.pending = undefined;
    this.queue.length = 0;
    this.emptied();
  }

  private emptied(): void {
    for (const fn of this.whenEmpty.splice(0)) fn();
  }

  private drain(): void {
    this.pending = undefined;
    while (this.queue.length > 0) {
      const wait = this.waitMs(this.scheduler.now());
      if (wait > 0) {
        this.pending = this.scheduler.schedule(() => this.drain(), wait);
        return;
      }
      const frame = this.queue.shift() as string;
      const now = this.scheduler.now();
      this.lastAt = now;
      if (this.pacing?.budget) this.sentAt.push(now);
      this.send(frame);
    }
    this.emptied();
  }

  /** How long the next frame must wait at `now`. */
  private waitMs(now: number): number {
    const pacing = this.pacing as Pacing;
    let wait = this.lastAt + pacing.spacingMs - now;
    const budget = pacing.budget;
    if (budget) {
      while (this.sentAt.length > 0 && (this.sentAt[0] as number) <= now - budget.windowMs) this.sentAt.shift();
      if (this.sentAt.length >= budget.max) wait = Math.max(wait, (this.sentAt[0] as number) + budget.windowMs - now);
    }
    return wait;
  }
}
