"""Municipalities, organizations and areas refuse what would make the data ambiguous."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sasaeai.tenancy.models import Area, Municipality, lg_code_check_digit, validate_lg_code
from sasaeai.testing import AreaFactory, MunicipalityFactory, OrganizationFactory


@pytest.mark.parametrize(
    ("code", "name"),
    [("082368", "小美玉市"), ("352012", "下関市"), ("282103", "加古川市"),
     ("092169", "下野市"), ("402036", "久留米市"), ("131016", "千代田区")],
)
def test_it_accepts_real_local_government_codes(code, name):
    validate_lg_code(code)
    assert lg_code_check_digit(code[:5]) == int(code[5])


@pytest.mark.parametrize(
    ("code", "message"),
    [("082367", "検査数字が一致しません"), ("08236", "半角数字6桁"), ("０８２３６８", "半角数字6桁"),
     ("08236a", "半角数字6桁")],
)
def test_it_rejects_bad_codes_with_a_japanese_message(code, message):
    with pytest.raises(ValidationError) as err:
        validate_lg_code(code)
    assert message in str(err.value)


@pytest.mark.django_db
def test_it_refuses_two_organizations_of_the_same_name_in_one_municipality():
    muni = MunicipalityFactory.create()
    OrganizationFactory.create(municipality=muni, name="福祉課")
    OrganizationFactory.create(name="福祉課")  # another municipality may have one
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory.create(municipality=muni, name="福祉課")


@pytest.mark.django_db
def test_it_nests_areas_to_any_depth_and_refuses_twins_under_one_parent():
    muni = MunicipalityFactory.create()
    city = AreaFactory.create(municipality=muni, name="全市", level_label="全市")
    junior = AreaFactory.create(municipality=muni, name="第1中学校区", level_label="中学校区", parent=city)
    primary = AreaFactory.create(municipality=muni, name="第1小学校区", level_label="小学校区", parent=junior)
    block = AreaFactory.create(municipality=muni, name="本町町内会", level_label="町内会", parent=primary)
    assert block.parent.parent.parent == city
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaFactory.create(municipality=muni, name="第1中学校区", level_label="中学校区", parent=city)
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaFactory.create(municipality=muni, name="全市", level_label="全市")


@pytest.mark.django_db
def test_it_refuses_an_area_cycle():
    muni = MunicipalityFactory.create()
    top = AreaFactory.create(municipality=muni, name="全市")
    child = AreaFactory.create(municipality=muni, name="東地区", parent=top)
    top.parent = child
    with pytest.raises(ValidationError, match="循環"):
        top.full_clean()


@pytest.mark.django_db
def test_it_refuses_a_parent_area_of_another_municipality():
    area = AreaFactory.create()
    foreign = AreaFactory.create()
    area.parent = foreign
    with pytest.raises(ValidationError, match="同じ自治体"):
        area.full_clean()


@pytest.mark.django_db
def test_it_refuses_a_code_that_is_not_six_digits_at_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.create(code="12345", name="誤り市", prefecture="東京都")
    assert not Area.objects.filter(name="誤り市").exists()
