"""psoas: answers to questions about the psoas muscle, hip flexors and back pain."""

__version__ = "0.1.0"
