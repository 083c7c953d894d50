// briefgen preview: the one event stream of a browser, shared by all its tabs.
// Each tab connects through a port and receives every channel's version; a
// browser opens a limited number of connections per host (six), so one
// stream per tab would stop the seventh tab from loading.
"use strict";
var ports = new Set();
var latest = null;
var source = null;

function listen() {
  source = new EventSource({{ events | tojson }});
  source.onmessage = function (event) {
    latest = JSON.parse(event.data);
    ports.forEach(function (port) { port.postMessage(latest); });
  };
}

self.onconnect = function (event) {
  var port = event.ports[0];
  ports.add(port);
  port.onmessage = function (message) {
    if (message.data === "bye") { ports.delete(port); }
  };
  port.start();
  if (latest !== null) { port.postMessage(latest); }
  if (source === null) { listen(); }
};
