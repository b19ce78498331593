import { decode, encode } from "../src/protocol/mod.js";
import { eventsAddress, eventsEndpointOf } from "../src/transport/endpoints.js";

describe("where the mapper's events are, as PEERS says", () => {
  it("names a tcp events socket by its port, any other by its endpoint", () => {
    expect(eventsAddress("tcp://0.0.0.0:5556")).toEqual({ eventsPort: 5556 });
    expect(eventsAddress("ipc:///run/zmesh/events.sock")).toEqual({
      eventsEndpoint: "ipc:///run/zmesh/events.sock",
    });
  });

  it("dials a port on the host the mapper was reached at, and an endpoint as is", () => {
    expect(eventsEndpointOf("tcp://mapper.local:5555", { eventsPort: 5556 })).toBe("tcp://mapper.local:5556");
    expect(
      eventsEndpointOf("tcp://mapper.local:5555", { eventsPort: 5556, eventsEndpoint: "ipc:///run/e.sock" }),
    ).toBe("ipc:///run/e.sock");
    expect(eventsEndpointOf("ipc:///run/m.sock", { eventsEndpoint: "ipc:///run/e.sock" })).toBe(
      "ipc:///run/e.sock",
    );
  });

  it("refuses a port alone from a mapper reached without a host", () => {
    expect(() => eventsEndpointOf("ipc:///run/m.sock", { eventsPort: 5556 })).toThrow(
      "named no events endpoint",
    );
  });

  it("a PEERS of a tcp mapper still reads as a reader that knows only eventsPort expects", () => {
    const decoded = decode(
      encode("PEERS", { id: 1, epoch: "e", ...eventsAddress("tcp://127.0.0.1:5556"), instances: [] }),
    );
    expect(decoded).toEqual({
      ok: true,
      message: { type: "PEERS", header: { id: 1, epoch: "e", eventsPort: 5556, instances: [] } },
    });
  });
});
