/** What one client, and all of them, may make the daemon hold; every limit is logged when it acts. */
export interface ControlLimits {
  /** Connections served at once; one more gets an EMFILE reply and is closed. */
  maxConnections: number;
  /** A connection with nothing in flight, nothing being followed and no frame for this long is closed. */
  idleMs: number;
  /** A frame begun but not finished within this long closes the connection. */
  frameMs: number;
  /** A client that has not taken any of its pending replies for this long is dropped. */
  stallMs: number;
  /** Requests of one connection being served at once; the rest wait, unread, in the socket. */
  maxInFlight: number;
  /** Replies are handed to the socket only while it holds less than this unsent (then one more at most). */
  highWaterBytes: number;
  /** Replies and `log -f` events waiting for an unread socket; one more drops the client. */
  maxQueuedFrames: number;
}

export const DEFAULT_CONTROL_LIMITS: ControlLimits = {
  maxConnections: 256,
  idleMs: 120_000,
  frameMs: 10_000,
  stallMs: 30_000,
  maxInFlight: 16,
  highWaterBytes: 1024 * 1024,
  maxQueuedFrames: 4096,
};
