"""The course's colours: the Okabe-Ito palette, told apart with every common colour-vision deficiency.

Red against green is the pair that about one man in twelve cannot separate
(deuteranopia and protanopia). These colours differ in lightness as well as
hue, so they stay apart in simulations of both; tests/test_colour_vision.py
checks every pair a figure puts side by side. Figures still add a second cue
(marker shape or line style) so that no lesson depends on colour alone.
"""

BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
PURPLE = "#CC79A7"

# The default line colours, in order (matplotlib's C0, C1, ... once CYCLE is set):
#   plt.rcParams["axes.prop_cycle"] = plt.cycler(color=palette.CYCLE)
CYCLE = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY)

# Pale versions for shading the regions a classifier assigns to each class;
# points drawn on top use the full colours.
BLUE_TINT = "#d6e6f2"
ORANGE_TINT = "#fbe8c4"
GREEN_TINT = "#a9dcc9"
VERMILLION_TINT = "#f6d7c3"   # with white only: beside ORANGE_TINT it is too close
