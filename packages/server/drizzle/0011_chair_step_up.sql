ALTER TABLE "sessions" ADD COLUMN "method" text DEFAULT 'local' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "stepped_up_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "chair_step_up" boolean DEFAULT false NOT NULL;