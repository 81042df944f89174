// A local Nostr relay for tests: CodyTseng's @nostr-relay library (core + SQLite event repository + message
// validator, from npm) wired to a `ws` server exactly as that library's README shows. All relay behaviour (NIP-01
// id and BIP-340 signature checks, replaceable events, NIP-09 deletions, filters) is the library's, not ours.
// Usage: node relay.js <port, 0 = any> <sqlite file>; prints "listening <port>" once it accepts connections.
const { NostrRelay, createOutgoingNoticeMessage } = require('@nostr-relay/core');
const { EventRepositorySqlite } = require('@nostr-relay/event-repository-sqlite');
const { Validator } = require('@nostr-relay/validator');
const { WebSocketServer } = require('ws');

async function main() {
  const eventRepository = new EventRepositorySqlite(process.argv[3]);
  await eventRepository.init();
  const relay = new NostrRelay(eventRepository);
  const validator = new Validator();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] || 0) });
  wss.on('connection', ws => {
    relay.handleConnection(ws);
    ws.on('message', async data => {
      try {
        const message = await validator.validateIncomingMessage(data);
        await relay.handleMessage(ws, message);
      } catch (error) {
        if (error instanceof Error) ws.send(JSON.stringify(createOutgoingNoticeMessage(error.message)));
      }
    });
    ws.on('close', () => relay.handleDisconnect(ws));
    ws.on('error', () => {});
  });
  wss.on('listening', () => console.log('listening ' + wss.address().port));
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
