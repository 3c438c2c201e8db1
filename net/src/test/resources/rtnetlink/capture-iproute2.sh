#!/bin/bash
# Captures what iproute2 sends the kernel for each request NetlinkNetworkControl encodes: the
# independent vectors of RtNetlinkEncodingTest. Run as root; prints the vector file on stdout:
#   bash capture-iproute2.sh > iproute2-requests.txt
# Each vector is "> ip ARGS" (the command line LinuxNetworkControl builds), the hex of the last
# message ip sent (the one with NLM_F_ACK) and "< " the hex of the kernel's answer, from strace's
# dumps of sendmsg's and recvmsg's data.
# Inside a namespace of its own: veth spnl0 (198.18.99.1/30, 2001:db8:99::1/64) and TUN spnl2.
set -euo pipefail
NS=sp-nl-capture-$$
ip netns add "$NS"
trap 'ip netns del "$NS"' EXIT
ip -n "$NS" link add spnl0 type veth peer name spnl1
ip -n "$NS" tuntap add spnl2 mode tun
ip -n "$NS" link set spnl0 up
ip -n "$NS" link set spnl1 up
ip -n "$NS" addr add 198.18.99.1/30 dev spnl0
ip -n "$NS" addr add 2001:db8:99::1/64 dev spnl0 nodad
echo "# iproute2: $(ip -V)"
echo "# kernel: $(uname -r)"
echo "# ifindex: spnl0=$(ip -n "$NS" -o link show spnl0 | cut -d: -f1) spnl2=$(ip -n "$NS" -o link show spnl2 | cut -d: -f1)"
out=$(mktemp)
capture() {
  local answer
  answer=$(ip netns exec "$NS" strace -qq -e trace=sendmsg,recvmsg -e write=all -e read=all -o "$out" \
    ip "$@" 2>&1 || true)
  echo "> ip $*"
  if [ -n "$answer" ]; then echo "# ip said: $answer"; fi
  # The last sendmsg buffer is the request (the one with NLM_F_ACK), the last recvmsg buffer the
  # kernel's NLMSG_ERROR answer to it; keep their hex columns.
  awk '/^sendmsg\(/ { dir = ">" } /^recvmsg\(/ { dir = "<" }
       /bytes in buffer/ { hex[dir] = ""; next }
       /^ [|] [0-9a-f]+  / { line = substr($0, 11, 49); gsub(/ /, "", line); hex[dir] = hex[dir] line }
       END { print hex[">"]; print "< " hex["<"] }' "$out"
}
capture -4 route add 198.51.100.0/24 dev spnl0 metric 5
capture -4 route add 198.51.100.0/24 dev spnl0 metric 5
capture -4 route del 198.51.100.0/24 dev spnl0 metric 5
capture -4 route del 198.51.100.0/24 dev spnl0 metric 5
capture -4 route add 198.51.100.0/24 via 198.18.99.2 dev spnl0 src 198.18.99.1 table 220
capture -4 route del 198.51.100.0/24 via 198.18.99.2 dev spnl0 src 198.18.99.1 table 220
capture -4 route add 203.0.113.0/24 dev spnl0 table 1000
capture -4 route add 198.51.100.0/24 via 203.0.113.1 dev spnl0
capture -4 route add 198.51.100.7/32 dev spnl0
capture -4 route add unreachable 0.0.0.0/0 table 2000 metric 4278198272
capture -4 route del unreachable 0.0.0.0/0 table 2000 metric 4278198272
capture -6 route add 2001:db8:5:0:0:0:0:0/64 via 2001:db8:99:0:0:0:0:2 dev spnl0 metric 7
capture -6 route del 2001:db8:5:0:0:0:0:0/64 via 2001:db8:99:0:0:0:0:2 dev spnl0 metric 7
capture -6 route add unreachable 0:0:0:0:0:0:0:0/0 table 2000 metric 4278198272
capture -6 route del unreachable 0:0:0:0:0:0:0:0/0 table 2000 metric 4278198272
capture -6 route add 2001:db8:6:0:0:0:0:0/64 dev spnl0
capture -4 rule add priority 100 from 198.18.1.0/24 to 198.18.2.0/24 iif spnl0 lookup 10
capture -4 rule add priority 100 from 198.18.1.0/24 to 198.18.2.0/24 iif spnl0 lookup 10
capture -4 rule del priority 100 from 198.18.1.0/24 to 198.18.2.0/24 iif spnl0 lookup 10
capture -6 rule add priority 101 from 2001:db8:1:0:0:0:0:0/48 lookup 1000
capture -4 rule add priority 102 to 198.18.3.0/24 lookup 2000
capture -4 rule add priority 90 fwmark 300 lookup 300
capture -4 rule del priority 90 fwmark 300 lookup 300
capture link set spnl2 up
capture link set spnl2 down
capture address add 198.18.99.5/30 dev spnl2
capture address add 2001:db8:98:0:0:0:0:1/64 dev spnl2
capture link del spnl2
rm -f "$out"
