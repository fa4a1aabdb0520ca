#!/bin/sh
# azd post-provision hook: make sure the case-file encryption key exists in Key Vault.
#
# The key is 32 random bytes, stored base64-encoded as the secret CASEFILE_KEY_SECRET_NAME.
# Its version is the key id the app stores with every ciphertext, so a new version (rotation)
# never makes old case files unreadable: old versions stay readable by the app.
#
# Usage (azd sets the variables from the Bicep outputs):
#   infra/scripts/postprovision.sh            create the key if it does not exist (idempotent)
#   infra/scripts/postprovision.sh --rotate   add a new version (rotation); see docs/deploy.md
#
# Needs: az (signed in with `az login` as the person who ran azd, who holds Key Vault Secrets
# Officer on the vault through the principalId parameter), openssl.
set -eu

vault="${AZURE_KEY_VAULT_NAME:?AZURE_KEY_VAULT_NAME is not set: run through azd, or export it from .azure/<env>/.env}"
secret="${CASEFILE_KEY_SECRET_NAME:-casefile-key}"
rotate=false
[ "${1:-}" = "--rotate" ] && rotate=true

for tool in az openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "postprovision: '$tool' is required" >&2; exit 1; }
done

errors="$(mktemp)"
keyfile="$(mktemp)"
trap 'rm -f "$errors" "$keyfile"' EXIT

# A role assignment made by the provisioning run can take a few minutes to reach Key Vault, so
# "Forbidden" is retried; only "not found" means the key has to be created.
exists=""
attempt=1
while [ -z "$exists" ]; do
  if az keyvault secret show --vault-name "$vault" --name "$secret" --query id -o tsv >/dev/null 2>"$errors"; then
    exists=yes
  elif grep -q "SecretNotFound\|was not found" "$errors"; then
    exists=no
  elif [ "$attempt" -ge 10 ]; then
    echo "postprovision: cannot read $secret in $vault:" >&2
    cat "$errors" >&2
    exit 1
  else
    echo "postprovision: waiting for Key Vault access to propagate (attempt $attempt/10)..."
    attempt=$((attempt + 1))
    sleep 30
  fi
done

if [ "$exists" = yes ] && [ "$rotate" = false ]; then
  echo "postprovision: $secret already exists in $vault; nothing to do."
  exit 0
fi

# Written to a private temp file so the key never appears in a process list or shell history.
umask 077
printf '%s' "$(openssl rand -base64 32)" > "$keyfile"
version="$(az keyvault secret set --vault-name "$vault" --name "$secret" --file "$keyfile" --encoding utf-8 \
  --content-type "application/octet-stream; encoding=base64; bits=256" --query id -o tsv)"
# Only the id (URL with version) is printed, never the value.
echo "postprovision: created $version"
