import { io, type Socket } from "socket.io-client";

/** One frame as the gateway emits it. */
export interface Frame {
  worker: string;
  sentAt: number;
  jpeg: Buffer;
}

/** A frame as the viewer got it: who rendered it, and when it arrived. */
export interface Arrival {
  worker: string;
  at: number;
  jpeg: Buffer;
}

/** Something other than a frame that the viewer saw: an error or a lost connection. */
export interface Trouble {
  event: string;
  at: number;
  detail: string;
}

/**
 * A Socket.IO viewer of the gateway that keeps every frame's arrival time and every error or
 * disconnection, to say afterwards how long the stream stopped for within a window. It reconnects
 * quickly (100 ms, at most 250 ms between attempts), so its first frame says when the stack could serve.
 */
export class ViewerRecord {
  readonly arrivals: Arrival[] = [];
  readonly troubles: Trouble[] = [];
  private readonly socket: Socket;

  constructor(url: string) {
    this.socket = io(url, { transports: ["websocket"], reconnectionDelay: 100, reconnectionDelayMax: 250 });
    this.socket.on("frame", (frame: Frame) =>
      this.arrivals.push({ worker: frame.worker, at: Date.now(), jpeg: frame.jpeg }),
    );
    for (const event of ["error", "disconnect"])
      this.socket.on(event, (detail: unknown) => this.note(event, detail));
  }

  /** Marks a connection error, once the viewer has been served (before that, the stack is coming up). */
  watchConnectErrors(): void {
    this.socket.io.on("error", (error) => this.note("connect_error", error.message));
  }

  /** Frames that arrived within [from, to]. */
  between(from: number, to: number): Arrival[] {
    return this.arrivals.filter(({ at }) => at >= from && at <= to);
  }

  /** The longest time within [from, to] with no frame arriving (the window's edges count as ends). */
  largestGap(from: number, to: number): number {
    const times = [from, ...this.between(from, to).map(({ at }) => at), to];
    return Math.max(...times.slice(1).map((time, index) => time - (times[index] as number)));
  }

  /** Errors and disconnections within [from, to]. */
  troublesBetween(from: number, to: number): Trouble[] {
    return this.troubles.filter(({ at }) => at >= from && at <= to);
  }

  /** The workers whose frames arrived within [from, to]. */
  workersBetween(from: number, to: number): Set<string> {
    return new Set(this.between(from, to).map(({ worker }) => worker));
  }

  close(): void {
    this.socket.close();
  }

  private note(event: string, detail: unknown): void {
    this.troubles.push({ event, at: Date.now(), detail: String(detail) });
  }
}
