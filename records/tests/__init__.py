"""Tests of what every working-record module shares, run for each registered module."""
