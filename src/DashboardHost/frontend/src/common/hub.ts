// The live situation feed: SignalR hub /hubs/situation, one region per connection.
import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from "@microsoft/signalr";
import { freshToken } from "./auth";
import type { SituationFrame } from "./types";

export type FeedState = "live" | "reconnecting" | "offline";

export interface FeedHandlers {
  snapshot(frame: SituationFrame): void;
  delta(frame: SituationFrame): void;
  state(state: FeedState): void;
}

/**
 * Connects, subscribes to the region and keeps doing so: after a reconnect the server has
 * forgotten the subscription, so the client subscribes again and gets a fresh Snapshot.
 */
export function connectSituation(region: string, handlers: FeedHandlers): HubConnection {
  const connection = new HubConnectionBuilder()
    .withUrl("/hubs/situation", { accessTokenFactory: freshToken })
    // Keep retrying for as long as the screen is up: a wall display has nobody to press reload.
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(1000 * 2 ** ctx.previousRetryCount, 15000) })
    .configureLogging(LogLevel.Warning)
    .build();
  connection.on("Snapshot", (frame: SituationFrame) => handlers.snapshot(frame));
  connection.on("Delta", (frame: SituationFrame) => handlers.delta(frame));
  connection.onreconnecting(() => handlers.state("reconnecting"));
  connection.onreconnected(() => void subscribe());
  connection.onclose(() => {
    handlers.state("offline");
    setTimeout(start, 5000);
  });

  async function subscribe(): Promise<void> {
    try {
      await connection.invoke("Subscribe", region);
      handlers.state("live");
    } catch {
      handlers.state("offline");
      // Connected but not subscribed the screen would freeze; stopping lets onclose schedule the retry.
      void connection.stop();
    }
  }

  async function start(): Promise<void> {
    if (connection.state !== HubConnectionState.Disconnected) return;
    try {
      await connection.start();
    } catch {
      handlers.state("offline");
      setTimeout(start, 5000);
      return;
    }
    await subscribe();
  }

  void start();
  return connection;
}
