import type { Dealer } from "zeromq";
import { type DecodeResult, decodeEach } from "../src/protocol/mod.js";

/**
 * The answers in the next message a raw DEALER receives from a worker: one, or each one of a BATCH
 * (a worker sends what it answers in one turn together, see docs/protocol.md).
 */
export async function receiveAnswers(socket: Dealer): Promise<DecodeResult[]> {
  const answers: DecodeResult[] = [];
  decodeEach(await socket.receive(), (answer) => answers.push(answer));
  return answers;
}

/** Receives until `count` answers have come, however they were batched. */
export async function receiveAnswerCount(socket: Dealer, count: number): Promise<DecodeResult[]> {
  const answers: DecodeResult[] = [];
  while (answers.length < count) answers.push(...(await receiveAnswers(socket)));
  return answers;
}
