// Harbour's TLS settings (server/net/tls_context.cpp) as Node `tls`/`https` options, shared by both
// peers: TLS 1.2 and 1.3 only, the same cipher suites and key-exchange groups, no compression or
// renegotiation, ALPN http/1.1 only.
import { constants } from 'node:crypto';
import { readFileSync } from 'node:fs';

// Mozilla Server Side TLS "intermediate" (v5.7), exactly Harbour's lists.
const TLS12_CIPHERS =
  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:' +
  'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:' +
  'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:' +
  'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305';
const TLS13_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';
const GROUPS = 'X25519:prime256v1:secp384r1';

export function tlsOptions(certPath, keyPath) {
  return {
    cert: readFileSync(certPath),
    key: readFileSync(keyPath),
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    // Node splits this list itself: TLS_* names go to SSL_CTX_set_ciphersuites (TLS 1.3), the rest
    // to SSL_CTX_set_cipher_list (TLS 1.2), like Harbour's two calls.
    ciphers: `${TLS13_CIPHERS}:${TLS12_CIPHERS}`,
    ecdhCurve: GROUPS,
    // Harbour leaves the client's cipher preference in force (no SSL_OP_CIPHER_SERVER_PREFERENCE).
    honorCipherOrder: false,
    secureOptions: constants.SSL_OP_NO_COMPRESSION | constants.SSL_OP_NO_RENEGOTIATION,
    ALPNProtocols: ['http/1.1'],
  };
}

// `--name value` command-line options; every name in `required` must be given.
export function parseOptions(argv, required) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    if (!name.startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument: ${name}`);
    out[name.slice(2)] = argv[i + 1];
  }
  for (const name of required) {
    if (!out[name]) throw new Error(`missing --${name}`);
  }
  return out;
}
