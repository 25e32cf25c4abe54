import { Args, Flags } from '@oclif/core';
import { UmdCommand } from '../cli/base.js';
import { printVerify, requestVerify } from '../cli/verify-run.js';
import type { VerifyResult } from '../pgp/verify-types.js';

export default class Verify extends UmdCommand {
  static override summary = 'Verify an OpenPGP signature, like gpgv or sqv, with the packet parser in the sandboxed pgp driver.';
  static override description = [
    'SIGFILE is a cleartext signed message (a Debian InRelease) or a detached signature (Release.gpg), armored or binary; a detached signature needs FILE, which is hashed as a stream and never sent to the handler. Keyrings are binary or armored. The pgp handler parses the keyrings and the signature in the sandbox; umd checks its answer against the bytes and does all the cryptography itself.',
    'One line per signature: the verdict (good, BAD, no key, expired key, revoked key, not a signing key, expired signature, out of range, unsupported), the fingerprint of the key that signed, its algorithm, the creation time, the primary user ID, and why when it is not good. --not-before and --not-after take 2024-01-31, 2024-01-31T12:00:00Z or @UNIX; a date alone is its first second for --not-before and its last for --not-after; --not-after defaults to now.',
    'Exit status: 0 at least --signatures signatures are good; 1 fewer are, or the files could not be verified (the error names the code: ENOENT, EBADMSG, ENOTSUP, EFBIG, ...); 2 usage error (EUSAGE: a bad flag value, a detached signature without FILE, a cleartext signed file with one).',
    '--json: {"good", "needed", "ok", "signatures": [{"status", "reason", "fingerprint", "primaryFingerprint", "keyId", "algorithm", "hash", "created", "userId"}]}; an error is {"error": {"code", "message", "suggestions"}}.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> verify --keyring /usr/share/keyrings/debian-archive-keyring.gpg /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease',
    '<%= config.bin %> verify --keyring keys.gpg Release.gpg Release',
    '<%= config.bin %> verify --keyring a.gpg --keyring b.asc --signatures 2 --not-before 2024-01-01 SHA256SUMS.asc SHA256SUMS',
  ];
  static override args = {
    sigfile: Args.string({ description: 'The signature: cleartext signed, or detached (armored or binary)', required: true, ignoreStdin: true }),
    file: Args.string({ description: 'The signed file, for a detached signature', ignoreStdin: true }),
  };
  static override flags = {
    keyring: Flags.string({ summary: 'A keyring (binary or armored) whose keys may have signed; repeatable.', required: true, multiple: true, multipleNonGreedy: true }),
    signatures: Flags.integer({ summary: 'Good signatures needed for success.', default: 1, min: 1 }),
    'not-before': Flags.string({ summary: 'Ignore signatures made before this time (2024-01-31, 2024-01-31T12:00:00Z, @UNIX).' }),
    'not-after': Flags.string({ summary: 'Ignore signatures made after this time (default: now).' }),
  };

  async run(): Promise<VerifyResult> {
    const { args, flags } = await this.parse(Verify);
    const daemon = await this.daemon(flags);
    const result = await requestVerify(
      daemon,
      { keyrings: flags.keyring, signature: args.sigfile, data: args.file, signatures: flags.signatures, notBefore: flags['not-before'], notAfter: flags['not-after'] },
      this.searchPath(),
    );
    if (this.jsonEnabled()) process.exitCode = result.ok ? 0 : 1;
    else process.exitCode = printVerify(result, (line) => this.log(line));
    return result;
  }
}
