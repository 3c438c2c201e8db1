#!/bin/bash
# make-vectors.sh - the independent PKI test vectors of the pki module, made with strongSwan's pki
# tool and openssl (never with Sallyport's own code). Run once; the output is committed.
#
#   root.pem            Root CA (RSA 2048)                 "C=XX, O=Sallyport Test, CN=Root CA"
#   inter.pem           Intermediate CA under root (pathlen 0)
#   gw.pem / gw.key     RSA 2048 end entity under inter: CN=gw.example.net,
#                       SAN dns gw.example.net, ip 192.0.2.1, email gw@example.net
#   gw.pk8.pem          the same key as unencrypted PKCS#8, gw.enc.pk8.pem encrypted ("sallyport")
#   gw.der              gw.pem in DER; gw.p12 PKCS#12 (key, gw.pem, inter.pem; "sallyport")
#   peer.pem / .key     RSA 2048 end entity under inter: CN=peer.example.net, SAN peer.example.net,
#                       ip 192.0.2.2 (the other end in two-engine tests)
#   ec.pem / ec.key     ECDSA P-256 end entity under inter: CN=ec.example.net, SAN ec.example.net
#   expired.pem         under inter, valid 2020-01-01..2021-01-01
#   revoked.pem         under inter, listed in inter.crl (key compromise)
#   inter.crl           CRL of inter (PEM), valid 2026..2046
#   other-root.pem      an unrelated CA; wrong.pem an end entity under it
#   fake-sub.pem        signed with gw's key although gw is no CA (basic constraints)
#   data.txt            signed by openssl: data.sha1.sig, data.sha256.sig (RSA PKCS#1 v1.5, gw.key),
#                       data.ecdsa.sig (ECDSA SHA-256 DER, ec.key)
#   ikev1-hash.bin      20 octets standing in for an IKEv1 HASH_I; ikev1-hash.sig is openssl's
#                       PKCS#1 v1.5 signature of those raw octets without DigestInfo (gw.key), the
#                       SIG_I form of RFC 2409 §5.1 that strongSwan makes for IKEv1 RSA
#   ec-peer.pem/.key    ECDSA P-256 end entity under inter (CN/SAN ec-peer.example.net); ec384, ec384-peer
#                       (P-384) and ec521, ec521-peer (P-521) likewise: the two ends of IKEv1 ECDSA tests
#   ikev1-hash48.bin    48 octets standing in for a HASH_I under PRF-HMAC-SHA-384
#   ikev1-hash[48].ecdsaN.sig  openssl's ECDSA signature of those raw octets (no digest) with ec.key,
#                       ec384.key, ec521.key, as r|s, each padded to the curve's octet length: the
#                       IKEv1 SIG of RFC 4754 methods 9-11 (strongSwan's ECDSA_WITH_NULL)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
cat > pki.conf <<'CONF'
pki {
    load = random drbg openssl pem pkcs1 pkcs8 pkcs12 x509 pubkey sha1 sha2 gmp mgf1 hmac revocation
}
CONF
export STRONGSWAN_CONF="$PWD/pki.conf"
p() { pki "$@" 2>/dev/null; }
O="C=XX, O=Sallyport Test"
F="%Y-%m-%d %H:%M:%S"

p --gen --type rsa --size 2048 --outform pem > root.key
p --self --ca --in root.key --type rsa --dn "$O, CN=Root CA" -F "2026-01-01 00:00:00" -T "2046-01-01 00:00:00" -D "$F" --outform pem > root.pem
p --gen --type rsa --size 2048 --outform pem > inter.key
p --pub --in inter.key --type rsa | p --issue --ca --pathlen 0 --cacert root.pem --cakey root.key \
    --dn "$O, CN=Intermediate CA" -F "2026-01-01 00:00:00" -T "2046-01-01 00:00:00" -D "$F" --outform pem > inter.pem

leaf() {  # leaf NAME TYPE DN NOTBEFORE NOTAFTER [SAN...]
    local name=$1 type=$2 dn=$3 nb=$4 na=$5; shift 5
    local sans=(); for s in "$@"; do sans+=(--san "$s"); done
    if [ "$type" = ecdsa ]; then p --gen --type ecdsa --size "${SIZE:-256}" --outform pem > "$name.key"
    else p --gen --type rsa --size 2048 --outform pem > "$name.key"; fi
    p --pub --in "$name.key" --type "$type" | p --issue --cacert "${CA:-inter}.pem" --cakey "${CA:-inter}.key" \
        --dn "$dn" "${sans[@]}" -F "$nb" -T "$na" -D "$F" --flag serverAuth --outform pem > "$name.pem"
}
leaf gw rsa "$O, CN=gw.example.net" "2026-01-01 00:00:00" "2036-01-01 00:00:00" gw.example.net 192.0.2.1 gw@example.net
leaf peer rsa "$O, CN=peer.example.net" "2026-01-01 00:00:00" "2036-01-01 00:00:00" peer.example.net 192.0.2.2
leaf ec ecdsa "$O, CN=ec.example.net" "2026-01-01 00:00:00" "2036-01-01 00:00:00" ec.example.net
leaf ec-peer ecdsa "$O, CN=ec-peer.example.net" "2026-01-01 00:00:00" "2036-01-01 00:00:00" ec-peer.example.net
for n in ec384 ec384-peer ec521 ec521-peer; do
    SIZE=${n:2:3} leaf "$n" ecdsa "$O, CN=$n.example.net" "2026-01-01 00:00:00" "2036-01-01 00:00:00" "$n.example.net"
done
leaf expired rsa "$O, CN=expired.example.net" "2020-01-01 00:00:00" "2021-01-01 00:00:00" expired.example.net
leaf revoked rsa "$O, CN=revoked.example.net" "2026-01-01 00:00:00" "2036-01-01 00:00:00" revoked.example.net
p --signcrl --cacert inter.pem --cakey inter.key --reason key-compromise --cert revoked.pem \
    -F "2026-01-01 00:00:00" -T "2046-01-01 00:00:00" -D "$F" --outform pem > inter.crl

p --gen --type rsa --size 2048 --outform pem > other-root.key
p --self --ca --in other-root.key --type rsa --dn "$O, CN=Other Root CA" -F "2026-01-01 00:00:00" -T "2046-01-01 00:00:00" -D "$F" --outform pem > other-root.pem
CA=other-root leaf wrong rsa "$O, CN=wrong.example.net" "2026-01-01 00:00:00" "2036-01-01 00:00:00" wrong.example.net

# A certificate "issued" by gw, which is no CA: openssl signs whatever it is asked to.
openssl req -new -newkey rsa:2048 -nodes -keyout fake-sub.key -subj "/C=XX/O=Sallyport Test/CN=fake.example.net" -out fake-sub.csr 2>/dev/null
openssl x509 -req -in fake-sub.csr -CA gw.pem -CAkey gw.key -set_serial 7 -days 3650 -out fake-sub.pem 2>/dev/null
rm -f fake-sub.csr

openssl pkcs8 -topk8 -nocrypt -in gw.key -out gw.pk8.pem
openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:sallyport -in gw.key -out gw.enc.pk8.pem
openssl x509 -in gw.pem -outform der -out gw.der
openssl pkcs12 -export -inkey gw.key -in gw.pem -certfile inter.pem -name gw -passout pass:sallyport -out gw.p12

printf 'Sallyport signature vector: the signed octets of an IKE_AUTH exchange stand in here.\n' > data.txt
openssl dgst -sha1 -sign gw.key -out data.sha1.sig data.txt
openssl dgst -sha256 -sign gw.key -out data.sha256.sig data.txt
openssl dgst -sha256 -sign ec.key -out data.ecdsa.sig data.txt
printf 'IKEv1 HASH_I (SHA1).' > ikev1-hash.bin
openssl pkeyutl -sign -inkey gw.key -in ikev1-hash.bin -out ikev1-hash.sig
# r||s (RFC 4754 §7), each zero-padded to the curve's octet length, from openssl's DER ECDSA-Sig-Value
raw_rs() {  # raw_rs KEY HASHFILE OCTETS OUT
    openssl pkeyutl -sign -inkey "$1" -in "$2" -out "$4.der"
    openssl asn1parse -inform der -in "$4.der" | awk '/INTEGER/ {sub(/.*:/, ""); print}' |
        while read -r h; do printf "%0$(( $3 * 2 ))s" "$h" | tr ' ' 0; done | xxd -r -p > "$4"
    rm -f "$4.der"
}
printf '%-48.48s' 'IKEv1 HASH_I under PRF-HMAC-SHA-384: 48 octets' > ikev1-hash48.bin
raw_rs ec.key ikev1-hash.bin 32 ikev1-hash.ecdsa256.sig
raw_rs ec.key ikev1-hash48.bin 32 ikev1-hash48.ecdsa256.sig
raw_rs ec384.key ikev1-hash48.bin 48 ikev1-hash48.ecdsa384.sig
raw_rs ec521.key ikev1-hash48.bin 66 ikev1-hash48.ecdsa521.sig
rm -f pki.conf
