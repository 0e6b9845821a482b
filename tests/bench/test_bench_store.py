"""The results file: a torn last line repaired, a second writer refused, appends whole."""

import json

import pytest

from rldojo.bench import store


def lines_of(out_dir):
    return (out_dir / "results.jsonl").read_text().splitlines()


def test_results_file_repairs_a_torn_line_and_refuses_a_second_writer(tmp_path):
    whole = json.dumps({"key": "a", "status": "ok"})
    (tmp_path / "results.jsonl").write_text(whole + "\n" + '{"key": "b", "sta')
    with store.ResultsFile(tmp_path) as results:
        assert "torn" in results.repaired
        assert [r["key"] for r in results.records()] == ["a"]
        with pytest.raises(RuntimeError, match="another benchmark run"):
            store.ResultsFile(tmp_path).__enter__()
        results.append({"key": "c", "status": "ok"})
    assert lines_of(tmp_path) == [whole, json.dumps({"key": "c", "status": "ok"})]
    # a whole record that only lacks its newline is kept
    with open(tmp_path / "results.jsonl", "a") as f:
        f.write(json.dumps({"key": "d", "status": "ok"}))
    with store.ResultsFile(tmp_path) as results:
        assert "completed" in results.repaired
        assert [r["key"] for r in results.records()] == ["a", "c", "d"]
