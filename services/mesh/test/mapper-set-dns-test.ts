import { z } from "zod";
import { loadConfig, memberSettings } from "../src/config/env.js";
import { resolveEndpoint } from "../src/directory/mapper-addresses.js";
import { MapperSet } from "../src/directory/mapper-set.js";
import { splitEndpoints } from "../src/transport/endpoints.js";
import { waitFor } from "../testing/mod.js";

// Which mappers a member or caller talks to: a list, or a DNS name standing for every replica
// (`tasks.mapper` in a Swarm), resolved again as replicas come and go. The resolver here is a fake.
const noMalformed = () => {};

describe("mapper set", () => {
  it("reads MAPPER_ENDPOINTS as a list, checks each endpoint, and leaves it undefined when unset", () => {
    const schema = z.object({ MAPPER_ENDPOINTS: memberSettings.MAPPER_ENDPOINTS });
    expect(loadConfig(schema, { MAPPER_ENDPOINTS: " tcp://10.0.0.1:5555 ,tcp://10.0.0.2:5555," })).toEqual({
      MAPPER_ENDPOINTS: ["tcp://10.0.0.1:5555", "tcp://10.0.0.2:5555"],
    });
    expect(loadConfig(schema, {})).toEqual({ MAPPER_ENDPOINTS: undefined });
    expect(() => loadConfig(schema, { MAPPER_ENDPOINTS: "tcp://10.0.0.1:5555,mapper:5555" })).toThrow(
      /MAPPER_ENDPOINTS: expected comma-separated ZeroMQ endpoints/,
    );
    expect(splitEndpoints("ipc:///a, ipc:///a")).toEqual(["ipc:///a"]);
  });

  it("stands a DNS name for all its addresses, IPv4 first, and leaves addresses as they are", async () => {
    const lookup = async () => ["::1", "10.0.0.7", "10.0.0.8"];
    expect(await resolveEndpoint("tcp://tasks.mapper:5555", lookup)).toEqual([
      "tcp://10.0.0.7:5555",
      "tcp://10.0.0.8:5555",
    ]);
    expect(await resolveEndpoint("tcp://v6only:5555", async () => ["fd00::7"])).toEqual([
      "tcp://[fd00::7]:5555",
    ]);
    expect(await resolveEndpoint("tcp://10.0.0.1:5555", lookup)).toEqual(["tcp://10.0.0.1:5555"]);
    expect(await resolveEndpoint("ipc:///tmp/mapper", lookup)).toEqual(["ipc:///tmp/mapper"]);
  });

  it("joins a replica whose address appears, leaves one whose address is gone, and keeps the set when the name fails", async () => {
    let answer: string[] | Error = ["127.0.0.1"];
    const lookups: string[] = [];
    const mappers = new MapperSet({
      endpoints: ["tcp://tasks.mapper:5999", "tcp://127.0.0.9:5999"],
      onMalformed: noMalformed,
      resolveEveryMs: 20,
      lookup: async (host) => {
        lookups.push(host);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    const events: string[] = [];
    mappers.follow({
      joined: (endpoint) => events.push(`+${endpoint}`),
      left: (endpoint) => events.push(`-${endpoint}`),
    });
    try {
      // The address in the list is there at once; the name's addresses once resolved.
      expect(events).toEqual(["+tcp://127.0.0.9:5999"]);
      await waitFor("the name resolved", () => mappers.channels.size === 2);
      answer = ["127.0.0.1", "127.0.0.2"];
      await waitFor("the new replica joined", () => mappers.channels.has("tcp://127.0.0.2:5999"));
      answer = new Error("ENOTFOUND tasks.mapper");
      const failedFrom = lookups.length;
      await waitFor("two failed lookups", () => lookups.length >= failedFrom + 2);
      expect(mappers.channels.size).toBe(3);
      answer = ["127.0.0.2"];
      await waitFor("the gone replica left", () => !mappers.channels.has("tcp://127.0.0.1:5999"));
      expect(events).toEqual([
        "+tcp://127.0.0.9:5999",
        "+tcp://127.0.0.1:5999",
        "+tcp://127.0.0.2:5999",
        "-tcp://127.0.0.1:5999",
      ]);
      expect(new Set(lookups)).toEqual(new Set(["tasks.mapper"]));
    } finally {
      mappers.close();
    }
  });
});
