// The live situation feed: SignalR hub /hubs/situation, one region per connection.
import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from "@microsoft/signalr";
import { token } from "./auth";
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
    .withUrl("/hubs/situation", { accessTokenFactory: () => token() ?? "" })
    // Keep retrying for as long as the screen is up: a wall display has nobody to press reload.
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(1000 * 2 ** ctx.previousRetryCount, 15000) })
    .configureLogging(LogLevel.Warning)
    .build();
  connection.on("Snapshot", (frame: SituationFrame) => handlers.snapshot(frame));
  connection.on("Delta", (frame: SituationFrame) => handlers.delta(frame));
  connection.onreconnecting(() => handlers.state("reconnecting"));
  connection.onreconnected(async () => {
    await connection.invoke("Subscribe", region);
    handlers.state("live");
  });
  connection.onclose(() => {
    handlers.state("offline");
    setTimeout(start, 5000);
  });

  async function start(): Promise<void> {
    if (connection.state !== HubConnectionState.Disconnected) return;
    try {
      await connection.start();
      await connection.invoke("Subscribe", region);
      handlers.state("live");
    } catch {
      handlers.state("offline");
      // A failed Subscribe leaves the connection up; stopping it lets onclose schedule the retry.
      if (connection.state === HubConnectionState.Disconnected) setTimeout(start, 5000);
      else void connection.stop();
    }
  }

  void start();
  return connection;
}
