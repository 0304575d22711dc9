import pytest

from sasaeai.testing import Review, World, build_review


@pytest.fixture
def review(world: World) -> Review:
    return build_review(world)
