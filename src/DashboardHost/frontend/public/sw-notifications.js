// Imported by the phone page's service worker (vite.config.ts, workbox.importScripts): a tap on an assignment's
// notification opens the case on the page, in the window already open if there is one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/m/";
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).pathname.startsWith("/m"));
    if (open) {
      await open.navigate(url);
      return open.focus();
    }
    return self.clients.openWindow(url);
  })());
});
