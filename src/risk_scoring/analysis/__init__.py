"""Analysis of many results: DataFrames, reassessment, agreement between raters, plots."""
