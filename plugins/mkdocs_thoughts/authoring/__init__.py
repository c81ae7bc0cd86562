"""Writing notes: `thoughts new`, the inferences and text edits of `thoughts fix`, the survey
and the files of `thoughts init`."""
