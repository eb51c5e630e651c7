from tests.core.store_fixtures import store, store_url  # noqa: F401 - fixtures for every core test
