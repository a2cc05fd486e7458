/**
 * A SIP client for the edge recipes' tests, run as its own process inside a network namespace
 * (`ip netns exec NS node sip-options.js FROM TO USER-AGENT`): sends one OPTIONS request from
 * FROM to TO (host:port, UDP), again every 500 ms with the same transaction (RFC 3261 17.1.2.2,
 * timer E), prints the status line of the first answer and exits. Without an answer it runs until
 * it is killed.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const [from, to, userAgent] = process.argv.slice(2);
const [host, port] = to.split(':');
const tag = randomBytes(6).toString('hex');
const request = [
  `OPTIONS sip:${host}:${port} SIP/2.0`,
  `Via: SIP/2.0/UDP ${from}:5060;branch=z9hG4bK${tag};rport`,
  'Max-Forwards: 70',
  `From: <sip:probe@${from}>;tag=${tag}`,
  `To: <sip:${host}:${port}>`,
  `Call-ID: ${tag}@${from}`,
  'CSeq: 1 OPTIONS',
  `Contact: <sip:probe@${from}:5060>`,
  `User-Agent: ${userAgent}`,
  'Accept: application/sdp',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

const socket = createSocket('udp4');
socket.on('message', (message) => {
  console.log(message.toString('utf8').split('\r\n')[0]);
  process.exit(0);
});
socket.bind(5060, from, () => {
  const send = () => socket.send(request, Number(port), host);
  send();
  setInterval(send, 500);
});
