"""A survey import killed part way (kill -9, no chance to clean up) leaves the database as it
was: after each kill there is either no round at all or the whole round, never part of one."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

from sasaeai.demo import synthetic_survey

SASAEAI = [sys.executable, "-m", "sasaeai"]
RESPONDENTS = 50_000


def test_a_killed_import_leaves_nothing_or_everything(tmp_path):
    db = tmp_path / "drill.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SQLITE_PATH": str(db)}
    for args in (["migrate", "-v0"], ["demo", "--only", "omitama"]):
        subprocess.run([*SASAEAI, *args], env=env, check=True, capture_output=True, timeout=300)
    data, codebook = tmp_path / "big.csv", tmp_path / "codebook.csv"
    data.write_bytes(synthetic_survey.microdata_csv(RESPONDENTS))
    codebook.write_bytes(synthetic_survey.codebook_csv())
    outcomes = []
    for n, delay in enumerate((0.5, 1.2, 1.8, 2.4, 3.0, 3.6)):
        name = f"中断の訓練{n}"
        process = subprocess.Popen(
            [*SASAEAI, "import_survey", str(data), "--municipality", "082368", "--round", name,
             "--fy", "2024", "--codebook", str(codebook)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        with sqlite3.connect(db) as connection:
            rounds = connection.execute(
                "select id from surveys_surveyround where name = ?", (name,)).fetchall()
            answers = connection.execute(
                "select count(*) from surveys_respondent where round_id in "
                "(select id from surveys_surveyround where name = ?)", (name,)).fetchone()[0]
        outcome = (len(rounds), answers)
        assert outcome in {(0, 0), (1, RESPONDENTS)}, (delay, outcome)
        outcomes.append(outcome)
    # The drill means something only if some imports were cut short and some finished.
    assert (0, 0) in outcomes
