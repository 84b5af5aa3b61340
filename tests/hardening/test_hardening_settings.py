"""The hardening settings are validated at start and name the variable (README settings table)."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.settings import Settings


@pytest.mark.parametrize("name, value", [
    ("TRUSTED_PROXIES", "proxy.internal"), ("TRUSTED_PROXIES", "10.0.0.0/33"),
    ("REQUEST_READ_TIMEOUT", "0"), ("REQUEST_READ_TIMEOUT", "ten"),
    ("WEB_RATE_PER_ADDRESS_PER_MINUTE", "0"), ("HANDOFFS_PER_HOUR", "-1"),
])
def test_a_bad_value_stops_the_start_naming_the_variable(name, value):
    with pytest.raises(ConfigError) as error:
        Settings.from_mapping({name: value})
    assert name in str(error.value)


def test_defaults_and_a_proxy_list():
    defaults = Settings.from_mapping({})
    assert (defaults.trusted_proxies, defaults.request_read_timeout, defaults.web_rate_per_address_per_minute,
            defaults.handoffs_per_hour) == (("127.0.0.1",), 10, 120, 10)
    assert Settings.from_mapping({"TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1"}).trusted_proxies == ("10.0.0.0/8",
                                                                                                 "192.0.2.1")
    assert Settings.from_mapping({"TRUSTED_PROXIES": ""}).trusted_proxies == ()
