"""Where the server's API key comes from, and that it is shown once and compared exactly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from studio.server.auth import ApiKey, bearer_token, resolve_api_key


class MemoryKeyring:
    """An in-memory keyring backend, standing in for the OS one."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str] = {}

    def install(self) -> None:
        import keyring
        from keyring.backend import KeyringBackend

        store = self.values

        class Backend(KeyringBackend):
            priority = 1  # type: ignore[assignment]

            def get_password(self, service: str, username: str) -> str | None:
                return store.get((service, username))

            def set_password(self, service: str, username: str, password: str) -> None:
                store[(service, username)] = password

            def delete_password(self, service: str, username: str) -> None:
                store.pop((service, username), None)

        keyring.set_keyring(Backend())


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    import keyring

    previous = keyring.get_keyring()
    monkeypatch.delenv("CHAIN_STUDIO_NO_KEYRING", raising=False)
    monkeypatch.delenv("CHAIN_STUDIO_API_KEY", raising=False)
    ring = MemoryKeyring()
    ring.install()
    yield ring
    keyring.set_keyring(previous)


def test_the_environment_key_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAIN_STUDIO_API_KEY", "from-the-environment")
    shown: list[str] = []
    key = resolve_api_key(announce=shown.append)
    assert key is not None and key.value == "from-the-environment" and key.source == "environment"
    assert shown == []


def test_a_generated_key_is_stored_and_shown_only_once(memory_keyring: MemoryKeyring) -> None:
    shown: list[str] = []
    first = resolve_api_key(announce=shown.append)
    assert first is not None and first.source == "generated"
    assert memory_keyring.values[("chain-studio", "api-key")] == first.value
    assert len(shown) == 1 and first.value in shown[0] and "keyring" in shown[0]
    second = resolve_api_key(announce=shown.append)
    assert second is not None and second.value == first.value and second.source == "keyring"
    assert len(shown) == 1


def test_without_a_keyring_the_key_lasts_for_the_process_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAIN_STUDIO_API_KEY", raising=False)
    shown: list[str] = []
    key = resolve_api_key(announce=shown.append)
    assert key is not None and key.source == "generated-unstored"
    assert "No keyring" in shown[0] and "CHAIN_STUDIO_API_KEY" in shown[0] and key.value in shown[0]


def test_keys_are_compared_exactly_and_never_shown_by_repr() -> None:
    key = ApiKey("cs-secret-value-123", "environment")
    assert key.matches("cs-secret-value-123")
    assert not key.matches("cs-secret-value-124")
    assert not key.matches("cs-secret-value-12")
    assert not key.matches(None) and not key.matches("")
    assert "cs-secret-value-123" not in repr(key)
    assert "cs-secret-value-123" not in key.masked()
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic abc") is None and bearer_token(None) is None
