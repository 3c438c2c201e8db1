#!/bin/bash
# make-certs.sh - the lab's test PKI for reference §5.2, made with strongSwan's pki tool (run once;
# the output is committed). These keys exist only for the lab: never use them anywhere else.
#   entrust-ca.pem            CA "O=juniper, C=us" (the reference's entrust profile), RSA 2048, 20 years
#   router2.pem, router2.key  CN=router2.example.com, subjectAltName router2.example.com
#   router3.pem, router3.key  CN=router3.example.com, subjectAltName router3.example.com
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
conf=$(mktemp)
trap 'rm -f "$conf" entrust-ca.key' EXIT
printf 'pki {\n    load = random drbg openssl pem pkcs1 pkcs8 x509 pubkey sha1 sha2 gmp mgf1 hmac\n}\n' > "$conf"
export STRONGSWAN_CONF="$conf"
p() { pki "$@" 2>/dev/null; }
p --gen --type rsa --size 2048 --outform pem > entrust-ca.key
p --self --ca --lifetime 7300 --in entrust-ca.key --type rsa --dn "O=juniper, C=us" --outform pem > entrust-ca.pem
for r in router2 router3; do
    p --gen --type rsa --size 2048 --outform pem > "$r.key"
    p --pub --in "$r.key" --type rsa | p --issue --lifetime 7300 --cacert entrust-ca.pem --cakey entrust-ca.key \
        --dn "O=juniper, C=us, CN=$r.example.com" --san "$r.example.com" --outform pem > "$r.pem"
done
