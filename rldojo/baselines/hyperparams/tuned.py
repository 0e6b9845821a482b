"""The winning settings of the Optuna studies run by ``rldojo bench tune ENV AGENT --trials N``.

Written by :func:`rldojo.bench.tune.write_study`: each key is ``(env id, agent)``, its
``"study"`` names the study (entry, trials, env-step budget per trial, seeds, sampler,
objective, best value, date) and its ``"params"`` are the best trial's settings, which
:func:`rldojo.baselines.hyperparams.defaults` lays over the family module's values.
Rerun a study and this file is rewritten with it.
"""

STUDIES: dict[tuple[str, str], dict] = {
    # Optuna study: Taxi, qlearning; 4 trials x 30,000 env steps on seeds 0;
    # optuna.samplers.TPESampler(seed=0); objective: maximize the mean over the seeds of mean_return
    # (rldojo.bench.metrics:mean_return_100); best 8.01; 2026-12-01.
    ('Taxi-v4', 'qlearning'): {'params': {'epsilon_decay': 0.995,
                'epsilon_end': 0.017841636973138664,
                'gamma': 0.95,
                'learning_rate': 0.8968589810005873},
     'study': {'best_value': 8.01,
               'budget': 30000,
               'date': '2026-12-01',
               'entry': 'Taxi',
               'objective': 'maximize the mean over the seeds of mean_return '
                            '(rldojo.bench.metrics:mean_return_100)',
               'optuna': '5.0.0',
               'sampler': 'optuna.samplers.TPESampler(seed=0)',
               'seeds': [0],
               'trials': 4}},
    # Optuna study: Taxi, sb3-dqn; 4 trials x 30,000 env steps on seeds 0;
    # optuna.samplers.TPESampler(seed=0); objective: maximize the mean over the seeds of mean_return
    # (rldojo.bench.metrics:mean_return_100); best -200; 2026-12-02.
    ('Taxi-v4', 'sb3-dqn'): {'params': {'batch_size': 32,
                'buffer_size': 50000,
                'exploration_final_eps': 0.08493578609931442,
                'exploration_fraction': 0.05909827884814658,
                'gamma': 0.99,
                'learning_rate': 0.0006466422717414558,
                'learning_starts': 1000,
                'target_update_interval': 100,
                'train_freq': 1},
     'study': {'best_value': -200.0,
               'budget': 30000,
               'date': '2026-12-02',
               'entry': 'Taxi',
               'objective': 'maximize the mean over the seeds of mean_return '
                            '(rldojo.bench.metrics:mean_return_100)',
               'optuna': '5.0.0',
               'sampler': 'optuna.samplers.TPESampler(seed=0)',
               'seeds': [0],
               'trials': 4}},
    # Optuna study: Taxi, sb3-ppo; 4 trials x 30,000 env steps on seeds 0;
    # optuna.samplers.TPESampler(seed=0); objective: maximize the mean over the seeds of mean_return
    # (rldojo.bench.metrics:mean_return_100); best -200; 2026-12-01.
    ('Taxi-v4', 'sb3-ppo'): {'params': {'batch_size': 128,
                'ent_coef': 0.00018255254802399022,
                'gae_lambda': 0.95,
                'gamma': 0.95,
                'learning_rate': 0.0006466422717414558,
                'n_epochs': 4,
                'n_steps': 64},
     'study': {'best_value': -200.0,
               'budget': 30000,
               'date': '2026-12-01',
               'entry': 'Taxi',
               'objective': 'maximize the mean over the seeds of mean_return '
                            '(rldojo.bench.metrics:mean_return_100)',
               'optuna': '5.0.0',
               'sampler': 'optuna.samplers.TPESampler(seed=0)',
               'seeds': [0],
               'trials': 4}},
}
