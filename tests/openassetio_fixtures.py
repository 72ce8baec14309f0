"""Fixtures of OpenAssetIO's API compliance suite for the splice manager, on a real store.

    python -m openassetio.test.manager -f tests/openassetio_fixtures.py

Loading this file seeds a new SQLite store (``openassetio_support.seed``) in
``$SPLICE_OPENASSETIO_STORE`` (an empty folder) or a new temporary folder. Every capability
the manager declares has the fixtures its tests need: a run skips only the tests of
capabilities it does not declare (stateful contexts, custom terminology).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from openassetio import constants
from openassetio.trait import TraitsData
from openassetio_mediacreation.specifications.threeDimensional import SceneGeometryResourceSpecification_v1
from openassetio_mediacreation.specifications.twoDimensional import BitmapImageResourceSpecification_v1
from openassetio_mediacreation.traits.content import LocatableContentTrait_v1
from openassetio_mediacreation.traits.lifecycle import VersionTrait_v1
from openassetio_mediacreation.traits.twoDimensional import ImageTrait_v1
from openassetio_mediacreation.traits.usage import EntityTrait_v1, RelationshipTrait_v1

sys.path.insert(0, str(Path(__file__).parent))
from openassetio_support import HERO, METAL, TEX, seed

from splice.openassetio.traits import DependenciesTrait_v1, kind_traits

ROOT = Path(os.environ.get("SPLICE_OPENASSETIO_STORE") or tempfile.mkdtemp(prefix="splice-oaio-"))
SEEDED = seed(ROOT)

IDENTIFIER = "io.splice.manager"
READABLE = f"{HERO}?t=published"
READ_ONLY = f"{HERO}?r=1"
# the revision to be of a publish in progress (preflight's answer): written, never read
WRITE_ONLY = f"{HERO}#publish=0123456789abcdef0123456789abcdef"
MISSING = "kref://oaio/assets/missing.model"
MALFORMED = "kref://oaio/assets/hero.model?v=1&q=2"
NON_EXISTING = f"{HERO}?r=99"

MSG_MALFORMED = (
    "bad kref 'kref://oaio/assets/hero.model?v=1&q=2': unknown query key 'q'; allowed: r, t, time, a"
)
MSG_MISSING = "item kref://oaio/assets/missing.model does not exist"
MSG_READ_ONLY = (
    "kref://oaio/assets/hero.model?r=1 selects a fixed revision, which is read-only: "
    "publish to kref://oaio/assets/hero.model to make a new revision"
)
MSG_WRITE_ONLY = (
    "kref://oaio/assets/hero.model#publish=… is the revision to be of a publish in progress: "
    "register it to read it"
)

# what a host publishes: an image with its file
PLATE = "kref://oaio/assets/plate.image"
plate_data = TraitsData(set(BitmapImageResourceSpecification_v1.kTraitSet))
LocatableContentTrait_v1(plate_data).setLocation(SEEDED.file("tex_v1.exr").as_uri())
preflight_hint = TraitsData({EntityTrait_v1.kId, LocatableContentTrait_v1.kId})
bad_hint = TraitsData({EntityTrait_v1.kId})
LocatableContentTrait_v1(bad_hint).setLocation("relative/plate.exr")
MSG_BAD_HINT = (
    "LocatableContent location 'relative/plate.exr' is not usable: location 'relative/plate.exr' is "
    "neither a URI (file://, smb://, nfs://, s3://, gs://) nor an absolute path"
)

DEPENDENCIES = {RelationshipTrait_v1.kId, DependenciesTrait_v1.kId}
derived = TraitsData(DEPENDENCIES)
DependenciesTrait_v1(derived).setEdgeType("DERIVED_FROM")
DEPS = [f"{METAL}?r=1", f"{TEX}?r=1"]

fixtures = {
    "identifier": IDENTIFIER,
    "settings": {"store_url": SEEDED.url},
    "shared": {
        "a_valid_reference": READABLE,
        "an_invalid_reference": "bal:///not/a/kref",
        "a_malformed_reference": MALFORMED,
    },
    "Test_identifier": {"test_matches_fixture": {"identifier": IDENTIFIER}},
    "Test_displayName": {"test_matches_fixture": {"display_name": "splice"}},
    "Test_info": {
        "test_matches_fixture": {"info": {constants.kInfoKey_EntityReferencesMatchPrefix: "kref://"}}
    },
    "Test_initialize": {
        "test_when_settings_have_all_keys_then_all_settings_updated": {
            "some_settings_with_all_keys": {
                "store_url": f"sqlite:///{ROOT / 'other.db'}",
                "store_files": False,
            }
        },
        "test_when_settings_have_subset_of_keys_then_other_settings_unchanged": {
            "some_settings_with_a_subset_of_keys": {"store_files": False}
        },
    },
    "Test_entityExists": {
        "shared": {
            "a_reference_to_an_existing_entity": READ_ONLY,
            "a_reference_to_a_nonexisting_entity": NON_EXISTING,
            "expected_error_message": MSG_MALFORMED,
        },
    },
    "Test_entityTraits": {
        "shared": {
            "a_reference_to_a_missing_entity": MISSING,
            "a_reference_to_a_readonly_entity": READ_ONLY,
            "a_reference_to_a_writeonly_entity": WRITE_ONLY,
        },
        "test_when_querying_malformed_reference_then_malformed_reference_error_is_returned": {
            "expected_error_message": MSG_MALFORMED
        },
        "test_when_querying_missing_reference_for_read_then_resolution_error_is_returned": {
            "expected_error_message": MSG_MISSING
        },
        "test_when_read_only_entity_queried_for_write_then_access_error_is_returned": {
            "expected_error_message": MSG_READ_ONLY
        },
        "test_when_write_only_entity_queried_for_read_then_access_error_is_returned": {
            "expected_error_message": MSG_WRITE_ONLY
        },
        "test_when_multiple_references_for_read_then_same_number_of_returned_trait_sets": {
            "first_entity_reference": READABLE,
            "first_entity_trait_set": set(SceneGeometryResourceSpecification_v1.kTraitSet)
            | {VersionTrait_v1.kId},
            "second_entity_reference": f"{TEX}?r=1",
            "second_entity_trait_set": set(BitmapImageResourceSpecification_v1.kTraitSet)
            | {VersionTrait_v1.kId},
        },
        "test_when_multiple_references_for_write_then_same_number_of_returned_trait_sets": {
            "first_entity_reference": HERO,
            "first_entity_trait_set": set(kind_traits("model")),
            "second_entity_reference": TEX,
            "second_entity_trait_set": set(kind_traits("texture")),
        },
    },
    "Test_resolve": {
        "shared": {
            "a_reference_to_a_readable_entity": READABLE,
            "a_set_of_valid_traits": {LocatableContentTrait_v1.kId, VersionTrait_v1.kId},
            "a_reference_to_a_readonly_entity": READ_ONLY,
            "the_error_string_for_a_reference_to_a_readonly_entity": MSG_READ_ONLY,
            "a_reference_to_a_writeonly_entity": WRITE_ONLY,
            "the_error_string_for_a_reference_to_a_writeonly_entity": MSG_WRITE_ONLY,
            "a_reference_to_a_missing_entity": MISSING,
            "the_error_string_for_a_reference_to_a_missing_entity": MSG_MISSING,
            "the_error_string_for_a_malformed_reference": MSG_MALFORMED,
        }
    },
    "Test_preflight": {
        "shared": {
            "a_traits_data_for_preflight": preflight_hint,
            "a_reference_for_preflight": HERO,
            "a_reference_to_a_readonly_entity": READ_ONLY,
        },
        "test_when_reference_is_read_only_then_access_error_is_returned": {
            "expected_error_message": MSG_READ_ONLY
        },
        "test_when_reference_malformed_then_malformed_entity_reference_error_returned": {
            "expected_error_message": MSG_MALFORMED
        },
        "test_when_preflight_hint_invalid_then_invalid_preflight_hint_error_returned": {
            "an_invalid_traits_data_for_preflight": bad_hint,
            "expected_error_message": MSG_BAD_HINT,
        },
    },
    "Test_register": {
        "shared": {
            "a_reference_to_a_writable_entity": PLATE,
            "a_traitsdata_for_a_reference_to_a_writable_entity": plate_data,
            "a_reference_to_a_readonly_entity": READ_ONLY,
            "the_error_string_for_a_reference_to_a_readonly_entity": MSG_READ_ONLY,
            "the_error_string_for_a_malformed_reference": MSG_MALFORMED,
        }
    },
    "Test_getWithRelationship_All": {
        "shared": {
            "a_reference": f"{HERO}?r=2",
            "a_relationship_trait_set": DEPENDENCIES,
            "expected_related_entity_references": DEPS,
            "a_relationship_traits_data_with_props": derived,
            "an_entity_trait_set_to_filter_by": {ImageTrait_v1.kId},
            "a_reference_to_a_missing_entity": MISSING,
        },
        "test_when_relationship_trait_set_known_and_props_set_then_filtered_refs_returned": {
            "expected_related_entity_references": [f"{HERO}?r=1"]
        },
        "test_when_result_trait_set_supplied_then_filtered_refs_returned": {
            "expected_related_entity_references": [f"{TEX}?r=1"]
        },
        "test_when_querying_missing_reference_then_resolution_error_is_returned": {
            "expected_error_message": MSG_MISSING
        },
        "test_when_querying_malformed_reference_then_malformed_reference_error_is_returned": {
            "expected_error_message": MSG_MALFORMED
        },
    },
}
