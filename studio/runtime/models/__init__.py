"""The model manager: the catalogue, downloads from the Hugging Face hub, installed GGUF files,
and models found on loopback servers (Ollama, LM Studio, llama.cpp).

Import the submodules directly; this package module imports nothing, so reading the catalogue
does not load the rest.
"""
