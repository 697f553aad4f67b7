from tests.log_scan import offending_lines


def test_the_log_scan_catches_full_numbers_and_lets_masked_ones_pass():
    assert offending_lines(['{"message": "SMS to +84912345678"}'])
    assert offending_lines(['{"message": "gọi 0912345678"}'])
    assert offending_lines(['{"message": "CCCD 022090012345"}'])
    assert not offending_lines(['{"message": "SMS to +8491***678"}'])
    assert not offending_lines(['{"message": "CCCD 022******345"}'])
    assert not offending_lines(['{"message": "000.00.01.H49-261128-0001"}'])
    # hexadecimal request and task ids may hold long runs of digits
    assert not offending_lines(['{"request_id": "74b639d0d014462789356a57b7c5f9ac"}'])
    assert not offending_lines(["task 1c2d3e4f-0a0b-4c4d-8e8f-014462789356 done"])
