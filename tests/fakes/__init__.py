"""Fakes of outside services (an OpenAI-compatible server) for tests and benchmarks."""
