#!/bin/sh
# Regenerates fuzz/corpus from gpg-made keys and signatures (and this
# machine's Debian keyring, when there). Each seed is the request op byte
# (0 packets, 1 armor) followed by the data.
set -e
cd "$(dirname "$0")"
home=$(mktemp -d)
trap 'gpgconf --homedir "$home" --kill all 2>/dev/null; rm -rf "$home"' EXIT
g() { gpg --homedir "$home" --batch --yes --quiet --pinentry-mode loopback --passphrase '' "$@"; }
seed() { { printf "\\$(printf '%03o' "$1")"; cat "$2"; } > "corpus/$3"; }
printf 'Suite: stable\n- dashed\ntrailing  \n' > "$home/data"
for algo in ed25519 rsa2048 nistp256 nistp384; do
	g --quick-gen-key "$algo <$algo@example.org>" "$algo" sign never
	fpr=$(g --with-colons --list-keys "$algo@example.org" | awk -F: '/^fpr/ {print $10; exit}')
	g --export "$fpr" > "$home/k"; seed 0 "$home/k" "key-$algo"
	g --armor --export "$fpr" > "$home/k.asc"; seed 1 "$home/k.asc" "key-$algo.asc"
	g -u "$fpr!" --output "$home/s" --detach-sign "$home/data"; seed 0 "$home/s" "sig-$algo"
	g -u "$fpr!" --output "$home/s.asc" --armor --detach-sign "$home/data"; seed 1 "$home/s.asc" "sig-$algo.asc"
	g -u "$fpr!" --output "$home/c" --clearsign "$home/data"; seed 1 "$home/c" "clear-$algo"
done
g --quick-gen-key 'sub <sub@example.org>' ed25519 cert never
fpr=$(g --with-colons --list-keys sub@example.org | awk -F: '/^fpr/ {print $10; exit}')
g --quick-add-key "$fpr" rsa2048 sign never
g --export "$fpr" > "$home/k"; seed 0 "$home/k" key-subkey
if [ -f /usr/share/keyrings/debian-archive-bookworm-stable.gpg ]; then
	seed 0 /usr/share/keyrings/debian-archive-bookworm-stable.gpg key-debian-bookworm-stable
fi
ls corpus | wc -l
