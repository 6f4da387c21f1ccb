"""Anonymity by construction: a library, with no web code and no import of a domain.

What the domains call (see each module for the details and the reasons):

- rounds and surveys — `anonymity.ballots`:
  `open_round`, `submit` (marks participation, seals the ballot, revises it when
  the same member submits again), `close_round` (stops taking ballots, opens,
  shuffles and counts them in a worker process, stores them in the clear,
  deletes the sealed traces, destroys the keys; resumable),
  `receipt_was_counted`, `counted_receipts`;
- electorates — `anonymity.electorate`: who may vote, fixed as keyed rows when voting opens;
- codes people hold — `anonymity.codes`: ballot receipts (SHA-256 published
  after close) and follow-up codes (keyed hashes);
- keys — `anonymity.keystore` (per round, in the key directory, teller mode),
  `anonymity.wrapping` (a personal key wrapped by a passphrase or a code;
  argon2 off the event loop, on `anonymity.stretching`'s queue: one worker per
  core, people on their own device first, `Busy` when 20 wait),
  `anonymity.files` (key files written privately, shredded), `anonymity.kept`
  (small values such as pseudonyms kept beside the keys, never in the database);
- work too long for the event loop — `anonymity.offload`: `run_in_process`, a
  small process pool (pure Python holds the GIL, so a thread would not do);
- retention — `anonymity.retention`: content sealed under a key per month,
  unreadable once that key is destroyed;
- disclosure control — `anonymity.disclosure`: small counts suppressed, with
  the cells that would give them away, and releases only in steps of k;
- scrubbing — `anonymity.scrubbing`: phone numbers, email and street addresses
  and personal names found in free text, for the person to remove or keep.
"""
