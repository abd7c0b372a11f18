SET lock_timeout = '5s';
ALTER TABLE users ADD CONSTRAINT users_score_positive CHECK (score >= 0) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_score_positive;
