from .stacked import *
