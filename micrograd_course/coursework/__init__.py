"""Coursework: the exercises' checks, the exercise-notebook generator and the grader.

In a notebook: ``from micrograd_course.coursework import check`` then
``check("4.1")``. How to write an exercise: README.md in this folder.
"""

from .framework import check

__all__ = ["check"]
