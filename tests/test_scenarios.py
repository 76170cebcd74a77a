"""kpikit.scenarios: a channel or queue the contacts cannot say is a named error."""

import pytest

from kpikit.catalog import example_dataset
from kpikit.scenarios import scenario_from_data


def test_a_queue_is_refused_when_the_contacts_have_no_queue_column():
    # The worked example has no queue column: queue="billing" was ignored and the scenario
    # built from every contact, as if they were all of that queue.
    with pytest.raises(ValueError, match="'queue' is 'billing' but the contacts have no queue"):
        scenario_from_data(example_dataset(), queue="billing")


def test_without_a_channel_column_every_contact_is_a_phone_call():
    contacts = example_dataset().contacts.drop(columns="channel")
    assert scenario_from_data(contacts).name == "baseline"  # "phone", the default, keeps all
    with pytest.raises(ValueError, match="'channel' is 'chat' but the contacts have no channel"):
        scenario_from_data(contacts, channel="chat")  # was built from the phone calls
