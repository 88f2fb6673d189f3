# Tenant Jobs for Backstage. `make dev` runs the demo portal, `make test`
# runs every check and suite; both set up what they need on their own.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help bootstrap dev dev-reset test typecheck lint test-unit test-integration \
	test-e2e cluster-build cluster-up cluster-down cluster-status clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F ':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

bootstrap: ## Install the toolchain (Node 24, yarn) and packages; quick when done
	@scripts/bootstrap.sh

dev: bootstrap ## Run the demo portal: app on :3000, backend on :7007 (state kept in .local/dev)
	@scripts/dev.sh

dev-reset: ## Forget the demo's state: its database and the local cluster
	@scripts/dev.sh reset

test: bootstrap ## Type-check, lint, unit, integration and e2e; ends with `N passed, N failed`
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

cluster-build: ## Build the local control plane and KWOK (cached outside the repo)
	@scripts/cluster/cluster.sh build

cluster-up: ## Start (or reuse) the local cluster; kubeconfig in .local/cluster
	@scripts/cluster/cluster.sh up

cluster-down: ## Stop the local cluster
	@scripts/cluster/cluster.sh down

cluster-status: ## Show the local cluster's state
	@scripts/cluster/cluster.sh status

clean: ## Remove packages, build output and local state (not the caches)
	rm -rf node_modules packages/*/node_modules plugins/*/node_modules \
		packages/*/dist plugins/*/dist dist-types .local artifacts
