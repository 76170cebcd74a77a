// kpikit: tell the user when the dashboard's kernel is gone, instead of leaving stale widgets.
//
// The kernel behind a page can end: it crashed, it was culled after sitting idle, or the server
// restarted. The widgets then stop answering (broken-link icons, charts that no longer follow the
// controls). This script watches the page's kernel websocket and shows a banner with a reload
// button when the server reports the kernel dead, or when the server no longer knows the kernel
// (checked when the socket closes and every CHECK_INTERVAL_MS: a culled kernel's socket may stay
// open). The page's own kernel (its config's kernelId) is watched from the start too: one that
// ends before the page connects (culled on a busy machine while the page was still loading) gets
// no socket at all, and its widgets would show as bare text such as "VBox(children=...)".
(function () {
  "use strict";
  const NativeWebSocket = window.WebSocket;
  const KERNEL_CHANNELS = /\/api\/kernels\/([0-9a-f-]{36})\/channels/;
  const CHECK_INTERVAL_MS = 10000;
  const ENDED =
    "This dashboard was closed on the server (idle for a while, or the server restarted). " +
    "Reload to open it again.";
  let shown = false;

  function showBanner(reason) {
    if (shown) return;
    shown = true;
    const banner = document.createElement("div");
    banner.className = "kpikit-connection-lost";
    banner.setAttribute("role", "alert");
    banner.innerHTML =
      "<strong>Connection lost.</strong> <span></span> " +
      "<button type='button'>Reload</button>";
    banner.querySelector("span").textContent = reason;
    banner.querySelector("button").addEventListener("click", () => window.location.reload());
    document.body.prepend(banner);
  }

  function text(buffer, start, end) {
    return new TextDecoder().decode(new Uint8Array(buffer, start, end - start));
  }

  // The kernel's execution state in an iopub status message, in either wire format
  // (JSON text, or the binary "v1.kernel.websocket.jupyter.org" framing).
  function executionState(data) {
    try {
      if (typeof data === "string") {
        const message = JSON.parse(data);
        return message.channel === "iopub" && message.header.msg_type === "status"
          ? message.content.execution_state
          : null;
      }
      if (!(data instanceof ArrayBuffer)) return null;
      const view = new DataView(data);
      const count = Number(view.getBigUint64(0, true));
      const offsets = [];
      for (let index = 1; index <= count; index += 1) {
        offsets.push(Number(view.getBigUint64(8 * index, true)));
      }
      if (text(data, offsets[0], offsets[1]) !== "iopub") return null;
      const header = JSON.parse(text(data, offsets[1], offsets[2]));
      if (header.msg_type !== "status") return null;
      return JSON.parse(text(data, offsets[4], offsets[5])).execution_state;
    } catch (error) {
      return null;
    }
  }

  // true: the server runs the kernel; false: it does not (404); null: no answer this time.
  async function kernelKnown(path) {
    try {
      const response = await fetch(path, { credentials: "same-origin" });
      return response.status !== 404;
    } catch (error) {
      return null;
    }
  }

  // Banner when the kernel is unknown, or when the server has not answered twice in a row (a
  // single missed answer on a busy machine is not a lost connection). One watch per kernel;
  // the returned function checks at once.
  const watches = new Map();
  function watchKernel(path) {
    if (watches.has(path)) return watches.get(path);
    let unanswered = 0;
    const check = async () => {
      const known = await kernelKnown(path);
      unanswered = known === null ? unanswered + 1 : 0;
      if (known === false || unanswered >= 2) {
        clearInterval(timer);
        showBanner(ENDED);
      }
    };
    const timer = setInterval(check, CHECK_INTERVAL_MS);
    watches.set(path, check);
    return check;
  }

  function watchPageKernel() {
    const element = document.getElementById("jupyter-config-data");
    if (!element) return;
    try {
      const config = JSON.parse(element.textContent);
      if (config.kernelId) watchKernel(`${config.baseUrl || "/"}api/kernels/${config.kernelId}`);
    } catch (error) {
      // not a dashboard page: nothing to watch
    }
  }

  class WatchedWebSocket extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      const match = KERNEL_CHANNELS.exec(String(url));
      if (!match) return;
      const http = new URL(String(url).replace(/^ws/, "http"), window.location.href);
      const check = watchKernel(http.pathname.replace(KERNEL_CHANNELS, `/api/kernels/${match[1]}`));
      this.addEventListener("message", (event) => {
        if (executionState(event.data) === "dead") {
          showBanner("The dashboard stopped working on the server. Reload to start it again.");
        }
      });
      this.addEventListener("close", check);
    }
  }
  window.WebSocket = WatchedWebSocket;
  document.addEventListener("DOMContentLoaded", watchPageKernel);
})();
