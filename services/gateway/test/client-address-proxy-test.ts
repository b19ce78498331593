import { AddressSlots } from "../src/clients/address-slots.js";
import { clientAddress } from "../src/clients/client-address.js";

describe("client address", () => {
  const behindProxy = {
    address: "10.0.0.5",
    headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.7" },
  };

  it("is the socket's peer address unless told to trust X-Forwarded-For", () => {
    expect(clientAddress(behindProxy, false)).toBe("10.0.0.5");
  });

  it("behind a trusted proxy, is the entry the proxy added (the last), not the client's claims", () => {
    expect(clientAddress(behindProxy, true)).toBe("203.0.113.7");
    expect(clientAddress({ address: "10.0.0.5", headers: {} }, true)).toBe("10.0.0.5");
  });

  it("counts IPv4 clients of a dual-stack listener as IPv4", () => {
    expect(clientAddress({ address: "::ffff:127.0.0.2", headers: {} }, false)).toBe("127.0.0.2");
  });
});

describe("address slots", () => {
  it("holds at most the limit per address, frees slots on release and forgets idle addresses", () => {
    const slots = new AddressSlots(2);
    expect([slots.acquire("a"), slots.acquire("a"), slots.acquire("a")]).toEqual([true, true, false]);
    expect(slots.acquire("b")).toBe(true);
    slots.release("a");
    expect(slots.acquire("a")).toBe(true);
    slots.release("b");
    slots.release("b");
    expect(slots.held("b")).toBe(0);
  });
});
