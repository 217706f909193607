// A situation-hub client in a process of its own, with the browser pages' SignalR library.
// Usage: node situation-client.cjs <hub url> <token> <region>
// Prints one JSON line per event: {"type":"snapshot"|"delta","frame":{…}}, {"type":"subscribed"}
// or {"type":"error","message":"…"}; exits when its standard input closes.
"use strict";

const modulePath = process.env.CITYOPS_TEST_NODE_SIGNALR;
if (!modulePath) {
    console.error("CITYOPS_TEST_NODE_SIGNALR is not set");
    process.exit(2);
}
const signalR = require(modulePath);

const [url, token, region] = process.argv.slice(2);
const print = (message) => process.stdout.write(JSON.stringify(message) + "\n");

const connection = new signalR.HubConnectionBuilder()
    // Straight to WebSockets: under node the library's negotiate request goes through its
    // cookie-jar fetch wrapper, which fails on node 20.
    .withUrl(url, { accessTokenFactory: () => token, transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
connection.on("Snapshot", (frame) => print({ type: "snapshot", frame }));
connection.on("Delta", (frame) => print({ type: "delta", frame }));
connection.onclose((error) => {
    print({ type: "closed", message: error ? String(error) : null });
    process.exit(0);
});

process.stdin.on("end", () => connection.stop().finally(() => process.exit(0)));
process.stdin.resume();

connection.start()
    .then(() => connection.invoke("Subscribe", region))
    .then(() => print({ type: "subscribed" }))
    .catch((error) => {
        print({ type: "error", message: String(error) });
        process.exit(1);
    });
