# Tenant Jobs for Backstage. `make dev` runs the demo portal, `make test`
# runs every check and suite; both set up what they need on their own.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help bootstrap dev dev-reset test typecheck lint test-unit test-integration \
	test-e2e test-adoption cluster-build cluster-up cluster-down cluster-status clean \
	login logout create-ml-job create-etl-job create-backup-job \
	create-security-job create-billing-job create-tenant-jobs list-jobs \
	monitor-job backup-job-configs restore-job-configs health-check

help: ## List the targets
	@grep -E '^(##@|[a-z0-9-]+:.*## )' $(MAKEFILE_LIST) | \
		awk -F ':.*## ' '/^##@/ {printf "\n%s\n", substr($$0, 5); next} \
			{printf "  make %-20s %s\n", $$1, $$2}'
	@echo
	@echo 'Job targets act as you: sign in once with make login. Variables:'
	@echo '  TENANT_ID (when you have several tenants), PRIORITY (critical..batch),'
	@echo '  RESOURCE_TIER (micro..enterprise), DRY_RUN=true, ENTITY, IDEMPOTENCY_KEY,'
	@echo '  OUTPUT=json, and the job type'"'"'s parameters in upper case (EPOCHS=3,'
	@echo '  LEARNING_RATE=0.01). Exit codes: 0 done or Succeeded, 1 refused, failed'
	@echo '  or Failed, 2 a variable is missing or wrong, 3 Cancelled, 4 not signed in.'
	@echo 'make login signs in to BACKEND_URL (default http://localhost:7007); NO_BROWSER=true'
	@echo 'prints the address to open instead of opening a browser. The job targets use'
	@echo 'the sign-in of BACKEND_URL when given, of INSTANCE (backstage-cli auth list) or'
	@echo 'the one backstage-cli has selected.'

##@ Set up, run and test

bootstrap: ## Install the toolchain (Node 24, yarn) and packages; quick when done
	@scripts/bootstrap.sh

dev: bootstrap ## Run the demo portal: app on :3000, backend on :7007 (state kept in .local/dev); CLUSTERS=2 puts initech-labs on a second cluster, with MULTIKUEUE=true every tenant's Jobs on a MultiKueue worker
	@CLUSTERS=$(or $(CLUSTERS),1) MULTIKUEUE=$(or $(MULTIKUEUE),false) scripts/dev.sh

dev-reset: ## Forget the demo's state: its database and the local cluster
	@scripts/dev.sh reset

test: bootstrap ## Type-check, lint, unit, integration, e2e, adoption; ends with `N passed, N failed`
	@scripts/test.sh

typecheck: bootstrap ## Type-check the whole repo
	@TEST_STAGES=typecheck scripts/test.sh

lint: bootstrap ## Lint every package
	@TEST_STAGES=lint scripts/test.sh

test-unit: bootstrap ## Unit tests only
	@TEST_STAGES=unit scripts/test.sh

test-integration: bootstrap ## Integration tests against the local cluster
	@TEST_STAGES=integration scripts/test.sh

test-e2e: bootstrap ## Browser tests (Debian chromium + playwright-core)
	@TEST_STAGES=e2e scripts/test.sh

test-adoption: bootstrap ## Install the packed plugins into a stock app, statically and dynamically
	@TEST_STAGES=adoption scripts/test.sh

cluster-build: ## Build the local control plane and KWOK (cached outside the repo)
	@scripts/cluster/cluster.sh build

cluster-up: ## Start (or reuse) local clusters: CLUSTERS=2 adds tenant-jobs-2 beside the first
	@scripts/cluster/cluster.sh --clusters $(or $(CLUSTERS),1) up

cluster-down: ## Stop every local cluster of this clone
	@scripts/cluster/cluster.sh --all down

cluster-status: ## Show each local cluster's state
	@scripts/cluster/cluster.sh --all status

##@ Tenant jobs from the terminal, as yourself (a running portal: make dev)

# Where `make login` signs in; the job targets then use that sign-in.
export BACKEND_URL ?= http://localhost:7007
# The names of the variables given on make's command line: the job targets
# read only those (their values reach them through the environment), so a
# variable left in the shell never becomes a job's parameter.
export TENANT_JOBS_CLI_VARIABLES := $(strip $(foreach v,$(.VARIABLES),\
	$(if $(filter command line,$(origin $(v))),$(v))))
JOBS := scripts/jobs.sh

login: ## Sign in as yourself in the browser (backstage-cli auth login)
	@scripts/jobs.sh login "$$BACKEND_URL"

logout: ## Forget the sign-in
	@scripts/jobs.sh logout "$$BACKEND_URL"

create-ml-job: ## Launch an ML training run (MODEL, DATASET, EPOCHS, ...)
	@$(JOBS) create ml-training

create-etl-job: ## Launch a data ETL run (SOURCE, DESTINATION, MODE)
	@$(JOBS) create data-etl

create-backup-job: ## Launch a tenant backup run (TARGET, RETENTION_DAYS)
	@$(JOBS) create tenant-backup

create-security-job: ## Launch a security scan run (SCAN_TYPE, TARGET, ...)
	@$(JOBS) create security-scan

create-billing-job: ## Launch a billing report run (PERIOD=YYYY-MM, FORMAT)
	@$(JOBS) create billing-report

create-tenant-jobs: ## One run of each job type TENANT_ID's plan allows
	@$(JOBS) create-tenant-jobs

list-jobs: ## Runs of your tenants, newest first (FILTER=running|failed|active|..., TENANT_ID, LIMIT)
	@$(JOBS) list-jobs

monitor-job: ## Follow RUN (default: your latest) with its log; exit code from its outcome
	@$(JOBS) monitor-job

backup-job-configs: ## Save TENANT_ID's schedules and trigger rules (BACKUP_FILE)
	@$(JOBS) backup-job-configs

restore-job-configs: ## Preview, then restore BACKUP_FILE (DRY_RUN=true: preview only)
	@$(JOBS) restore-job-configs

health-check: ## Backend, Tenant Jobs, your sign-in and (platform team) each cluster
	@$(JOBS) health-check

##@ Clean up

clean: ## Remove packages, build output and local state (not the caches)
	rm -rf node_modules packages/*/node_modules plugins/*/node_modules \
		packages/*/dist plugins/*/dist dist-types .local artifacts
