import hashlib

from anonymity.codes import follow_up_lookup, new_code, normalise_code, receipt_hash


def test_a_receipt_is_checked_offline_with_a_plain_sha256():
    receipt = new_code()
    assert receipt_hash(receipt) == hashlib.sha256(receipt.encode()).hexdigest()
    assert receipt_hash(receipt.lower().replace("-", " ")) == receipt_hash(receipt)


def test_follow_up_codes_are_keyed_and_are_not_receipts():
    code = new_code()
    one, other = b"a" * 32, b"b" * 32
    assert follow_up_lookup(one, code) != follow_up_lookup(other, code)
    assert follow_up_lookup(one, code) != receipt_hash(code)
    assert follow_up_lookup(one, normalise_code(code.lower())) == follow_up_lookup(one, code)


def test_codes_carry_eighty_random_bits_in_four_groups():
    codes = {new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(len(code) == 19 and code.count("-") == 3 for code in codes)
