from podium.orgs.service import initials


def test_initials_read_well_in_both_languages() -> None:
    assert initials("李伟 Li Wei") == "李伟"
    assert initials("欧阳娜娜") == "娜娜"
    assert initials("Rita Rep") == "RR"
    assert initials("madonna") == "MA"
