#!/bin/sh
# Regenerates the TLS material the APNs tests use; the generated files are committed next to this script.
# Run it from anywhere: it writes into its own directory. Needs OpenSSL 3.
#
#   ca.pem                  test root CA (the client trusts it for the mock server, the mock server for clients)
#   server-cert.pem         mock APNs server certificate, signed by the CA. Its subjectAltName must name
#   server-key-pkcs8.pem    localhost and 127.0.0.1: Netty 4.2 verifies client-side host names by default.
#   client.p12              certificate-auth client (password "herald-test"); UID=dev.herald.test is the
#                           topic Pushy's validating mock server derives from it, as Apple does.
#
# EC P-256 signing keys for token auth are generated inside the tests instead.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

days=36500

openssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days "$days" -subj "/CN=Herald Test Root" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$work/ca.key" -out ca.pem

cat > "$work/server.ext" <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
openssl req -new -nodes -newkey rsa:2048 -subj "/CN=localhost" -keyout "$work/server.key" -out "$work/server.csr"
openssl x509 -req -in "$work/server.csr" -CA ca.pem -CAkey "$work/ca.key" -set_serial 2 -days "$days" -sha256 \
    -extfile "$work/server.ext" -out server-cert.pem
openssl pkcs8 -topk8 -nocrypt -in "$work/server.key" -out server-key-pkcs8.pem

cat > "$work/client.ext" <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
EXT
openssl req -new -nodes -newkey rsa:2048 -subj "/CN=Apple Push Services: dev.herald.test/UID=dev.herald.test" \
    -keyout "$work/client.key" -out "$work/client.csr"
openssl x509 -req -in "$work/client.csr" -CA ca.pem -CAkey "$work/ca.key" -set_serial 3 -days "$days" -sha256 \
    -extfile "$work/client.ext" -out "$work/client-cert.pem"
openssl pkcs12 -export -in "$work/client-cert.pem" -inkey "$work/client.key" -name client \
    -passout pass:herald-test -out client.p12
